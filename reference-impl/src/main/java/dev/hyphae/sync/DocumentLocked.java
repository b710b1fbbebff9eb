package dev.hyphae.sync;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.session.DocumentClosedException;
import dev.hyphae.session.DocumentSync;
import dev.hyphae.session.SessionMessage;

import java.io.IOException;
import java.util.SortedMap;

/**
 * The sync of one document on one session ({@link AntiEntropy}) under the document's lock: each call holds it for
 * its whole run, since several sessions and local writers share the document, while the session holds only its own
 * lock. The exceptions are {@link #sync}, the group commit, which takes the lock itself and must not hold it while the
 * log is forced, and {@link #next}, which encodes the Delta in the session's form after releasing it.
 */
final class DocumentLocked implements DocumentSync {

    private final DocumentReplica document;
    private final AntiEntropy sync;

    DocumentLocked(DocumentReplica document, AntiEntropy sync) {
        this.document = document;
        this.sync = sync;
    }

    @Override
    public boolean failed() {
        synchronized (document) {
            return sync.failed();
        }
    }

    @Override
    public boolean recover() {
        synchronized (document) {
            return sync.recover();
        }
    }

    @Override
    public SortedMap<ReplicaId, Long> summary() {
        synchronized (document) {
            return sync.summary();
        }
    }

    @Override
    public long durableHeld(ReplicaId origin) {
        synchronized (document) {
            return sync.durableHeld(origin);
        }
    }

    @Override
    public void opened(SessionMessage.Open remote, ReplicaId neighbour, boolean sending) throws IOException {
        synchronized (document) {
            sync.opened(remote, neighbour, sending);
        }
    }

    @Override
    public Receipt receive(SessionMessage.Delta delta) throws ProtocolException, IOException {
        synchronized (document) {
            return sync.receive(delta);
        }
    }

    /**
     * The next Delta: chosen from the log under the document's lock, then put in session form after it (the session's
     * tables are the session's, under its own lock), so that a write fanned out to many sessions does not encode each
     * session's copy in turn under the document's lock.
     */
    @Override
    public SessionMessage.Delta next(long channel, boolean outstanding) throws DocumentClosedException, IOException {
        AntiEntropy.Unformed next;
        synchronized (document) {
            next = sync.nextAsLogged(channel, outstanding);
        }
        return next == null ? null : next.inSessionForm();
    }

    @Override
    public boolean pending() {
        synchronized (document) {
            return sync.pending();
        }
    }

    @Override
    public void acknowledged(long seq) throws ProtocolException, IOException {
        synchronized (document) {
            sync.acknowledged(seq);
        }
    }

    @Override
    public boolean sync() throws IOException {
        return sync.sync();   // the group commit takes the document's lock itself, and releases it to force the log
    }

    @Override
    public boolean wantsSummary() {
        synchronized (document) {
            return sync.wantsSummary();
        }
    }

    @Override
    public void summaryReceived(SortedMap<ReplicaId, Long> summary) {
        synchronized (document) {
            sync.summaryReceived(summary);
        }
    }
}
