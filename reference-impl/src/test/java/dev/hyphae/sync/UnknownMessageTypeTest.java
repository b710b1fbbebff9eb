package dev.hyphae.sync;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session that receives a message of a type that it does not know closes with UNKNOWN_MESSAGE_TYPE (HY-VER-019). */
class UnknownMessageTypeTest {

    @TempDir
    Path dir;

    /**
     * The bytes of a Ping whose union type, 5, is set to 10, the first type that version 1 does not define: found as
     * the byte that, so set, makes the session codec refuse the message as of an unknown type.
     */
    private static byte[] messageOfType10() {
        byte[] bytes = SessionCodec.encode(new SessionMessage.Ping(7));
        for (int i = 8; i < bytes.length; i++) {
            if (bytes[i] == 5) {
                byte[] mutated = bytes.clone();
                mutated[i] = 10;
                try {
                    SessionCodec.decode(mutated);
                } catch (ProtocolException e) {
                    if (e.code() == ErrorCode.UNKNOWN_MESSAGE_TYPE) {
                        return mutated;
                    }
                }
            }
        }
        return null;
    }

    @Test
    @Requirement("HY-VER-019")
    void aMessageOfAnUnknownTypeClosesTheSessionWithUnknownMessageType() throws Exception {
        byte[] unknown = messageOfType10();
        assertNotNull(unknown, "no byte of a Ping is its type");
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 1)) {
            List<SessionMessage> sent = new ArrayList<>();
            List<String> ends = new ArrayList<>();
            byte[] key = new byte[32];
            key[0] = 0x73;
            Session session = network.replica(0).newSession(new TrustStore.Identity(key, null, null),
                    new AccessPolicy().grant(key, AccessPolicy.EVERY_DOCUMENT, Right.WRITE), SimulatedNetwork.OPTIONS,
                    new Session.Outbox() {
                        @Override
                        public void send(SessionMessage message) {
                            sent.add(message);
                        }

                        @Override
                        public void end() {
                            ends.add("end");
                        }
                    });
            session.receive(unknown, 0);

            SessionMessage last = sent.get(sent.size() - 1);
            assertTrue(last instanceof SessionMessage.SessionError, sent.toString());
            SessionMessage.SessionError error = (SessionMessage.SessionError) last;
            assertEquals(ErrorCode.UNKNOWN_MESSAGE_TYPE.value(), error.code());
            assertEquals(5, error.code());
            assertEquals(0, error.channel(), "an error of the whole session");
            assertEquals(List.of("end"), ends, "the session ends after the error");
            assertTrue(session.ended());
        }
    }
}
