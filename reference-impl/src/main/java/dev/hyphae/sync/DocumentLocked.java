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
 * lock. The exception is {@link #sync}, the group commit, which takes the lock itself and must not hold it while the
 * log is forced.
 */
final class DocumentLocked implements DocumentSync {

    private final DocumentReplica document;
    private final DocumentSync sync;

    DocumentLocked(DocumentReplica document, DocumentSync sync) {
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

    @Override
    public SessionMessage.Delta next(long channel, boolean outstanding) throws DocumentClosedException, IOException {
        synchronized (document) {
            return sync.next(channel, outstanding);
        }
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
