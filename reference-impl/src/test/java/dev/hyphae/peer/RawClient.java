package dev.hyphae.peer;

import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.List;
import java.util.TreeSet;

/**
 * A hand-driven neighbour of a peer over loopback TCP: the handshake as initiator, then session messages (or bytes
 * that are not one) written and read one by one, so that a test can send what no {@link Peer} would.
 */
final class RawClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    final Socket socket;
    final FramedChannel channel;

    /** Connects to {@code address} and completes the handshake with the peer whose static key is {@code serverKey}. */
    RawClient(InetSocketAddress address, KeyPair key, byte[] serverKey) throws Exception {
        this(address, key, serverKey, null);
    }

    /**
     * The same, then {@code first}, the plaintext of one message (a session message, or bytes that are not one), sent
     * in the same write as the handshake's last message: the peer then reads both at once, and handles the message as
     * soon as its session starts, while it is still sending what the start sends.
     */
    RawClient(InetSocketAddress address, KeyPair key, byte[] serverKey, byte[] first) throws Exception {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        Gathering out = new Gathering(socket.getOutputStream());
        HyphaeHandshake.Initiator handshake = new HyphaeHandshake.Initiator(
                new HyphaeHandshake.Credentials(key, null, TrustStore.of(List.of(serverKey), List.of()), System::currentTimeMillis),
                new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
        FramedChannel.sendHandshakeMessage(out, handshake.start());
        byte[] selection = FramedChannel.receiveHandshakeMessage(socket.getInputStream());
        out.gather = first != null;
        FramedChannel.sendHandshakeMessage(out, handshake.onSelection(selection));
        HyphaeHandshake.Result result = handshake.result();
        channel = new FramedChannel(socket.getInputStream(), out, result.sender(), result.receiver(),
                result.sendFrameSize(), result.receiveFrameSize());
        if (first != null) {
            channel.send(first);
            out.release();
        }
    }

    void send(SessionMessage message) throws IOException, ProtocolException {
        channel.send(SessionCodec.encode(message));
    }

    /** The next message that is not a Ping or a Pong. */
    SessionMessage next() throws IOException, ProtocolException {
        while (true) {
            SessionMessage m = SessionCodec.decode(channel.receive());
            if (!(m instanceof SessionMessage.Ping) && !(m instanceof SessionMessage.Pong)) {
                return m;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The socket's output, which gathers what is written while {@link #gather} is set, until {@link #release()}. */
    private static final class Gathering extends OutputStream {
        private final OutputStream socket;
        private final ByteArrayOutputStream gathered = new ByteArrayOutputStream();
        boolean gather;

        Gathering(OutputStream socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            if (gather) {
                gathered.write(b);
            } else {
                socket.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (gather) {
                gathered.write(b, off, len);
            } else {
                socket.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (!gather) {
                socket.flush();
            }
        }

        /** Writes what was gathered in one write, and stops gathering. */
        void release() throws IOException {
            gather = false;
            socket.write(gathered.toByteArray());
            socket.flush();
        }
    }
}
