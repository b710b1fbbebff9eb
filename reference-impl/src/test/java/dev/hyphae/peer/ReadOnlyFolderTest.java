package dev.hyphae.peer;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.store.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** A folder that this process may not write can be read, changing nothing; a folder in use by a peer cannot. */
class ReadOnlyFolderTest {

    private static Peer.Config config(Path dir) {
        return new Peer.Config(dir, KeyPair.generate(new SecureRandom()), null, TrustStore.of(List.of(), List.of()), new AccessPolicy());
    }

    @Test
    void aFolderThatCannotBeWrittenCanBeRead(@TempDir Path root) throws Exception {
        Path dir = root.resolve("data");
        try (Peer peer = Peer.open(config(dir))) {
            peer.document("plant").map().counter("kwh").increment(3);
        }
        setWritable(dir, false);
        try {
            assumeFalse(Files.isWritable(dir), "running as root, where file permissions are not enforced");
            try (Peer peer = Peer.openReadOnly(config(dir))) {
                assertEquals(Set.of("plant"), peer.documents());
                assertEquals(BigInteger.valueOf(3), peer.document("plant").map().counter("kwh").value());
                WriteFailedException refused = assertThrows(WriteFailedException.class,
                        () -> peer.document("plant").map().counter("kwh").increment(1));
                assertEquals(StorageException.Code.NOT_WRITTEN, refused.code());
                assertEquals(BigInteger.valueOf(3), peer.document("plant").map().counter("kwh").value());
            }
        } finally {
            setWritable(dir, true);
        }
    }

    @Test
    void aFolderInUseIsNotReadAndAFolderReadIsNotWritten(@TempDir Path dir) throws Exception {
        try (Peer writer = Peer.open(config(dir))) {
            writer.document("plant").map().counter("kwh").increment(3);
            IOException inUse = assertThrows(IOException.class, () -> Peer.openReadOnly(config(dir)));
            assertEquals(dir + " is in use by another peer", inUse.getMessage());
        }
        try (Peer reader = Peer.openReadOnly(config(dir))) {
            assertThrows(IOException.class, () -> Peer.open(config(dir)), "a reader excludes a writer");
            assertThrows(WriteFailedException.class, () -> reader.document("fresh").map().counter("n").increment(1));
        }
        try (Stream<Path> folders = Files.list(dir.resolve("documents"))) {
            assertEquals(1, folders.count(), "reading created nothing");
        }
    }

    /**
     * Whatever a read-only peer is asked to do, its folder is byte for byte as it was: checked on the files
     * themselves, so that it holds where permissions are not enforced (as root).
     */
    @Test
    void aFolderOpenedReadOnlyIsNotChangedEvenByNetworking(@TempDir Path root) throws Exception {
        Path dir = root.resolve("data");
        try (Peer peer = Peer.open(config(dir))) {
            peer.document("plant").map().counter("kwh").increment(3);
        }
        Map<Path, String> before = digests(dir);
        // Two peers that trust each other: without the refusal, the connection would succeed.
        KeyPair readerKey = KeyPair.generate(new SecureRandom());
        KeyPair writerKey = KeyPair.generate(new SecureRandom());
        TrustStore trust = TrustStore.of(List.of(readerKey.publicKey(), writerKey.publicKey()), List.of());
        AccessPolicy policy = new AccessPolicy()
                .grant(readerKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(writerKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        try (Peer writer = Peer.open(new Peer.Config(root.resolve("neighbour"), writerKey, null, trust, policy));
             Peer reader = Peer.openReadOnly(new Peer.Config(dir, readerKey, null, trust, policy))) {
            InetSocketAddress neighbour = writer.listen(new InetSocketAddress("127.0.0.1", 0));
            assertThrows(IllegalStateException.class, () -> reader.connect(neighbour, List.of("plant")),
                    "a session would record the neighbour's replica id in the folder");
            assertThrows(IllegalStateException.class, () -> reader.listen(new InetSocketAddress("127.0.0.1", 0)));
            assertThrows(WriteFailedException.class, () -> reader.document("plant").map().counter("kwh").increment(1));
            assertThrows(WriteFailedException.class, () -> reader.document("fresh").map().counter("n").increment(1));
            assertEquals(BigInteger.valueOf(3), reader.document("plant").map().counter("kwh").value());
        }
        assertEquals(before, digests(dir));
    }

    /** Every file under {@code dir}, with a digest of its bytes. */
    private static Map<Path, String> digests(Path dir) throws Exception {
        Map<Path, String> digests = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                digests.put(dir.relativize(p), Files.isDirectory(p) ? "folder"
                        : HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        return digests;
    }

    private static void setWritable(Path dir, boolean writable) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                boolean folder = Files.isDirectory(p);
                String mode = folder ? (writable ? "rwx------" : "r-x------") : (writable ? "rw-------" : "r--------");
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
            }
        }
    }
}
