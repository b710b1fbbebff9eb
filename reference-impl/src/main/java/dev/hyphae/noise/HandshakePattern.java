package dev.hyphae.noise;

import java.util.List;

/**
 * The interactive handshake patterns this implementation offers (Noise specification, section 7.5).
 *
 * <pre>
 * NN:                    XX:
 *   -&gt; e                   -&gt; e
 *   &lt;- e, ee               &lt;- e, ee, s, es
 *                          -&gt; s, se
 * </pre>
 */
public enum HandshakePattern {
    NN(List.of(List.of(Token.E), List.of(Token.E, Token.EE))),
    XX(List.of(List.of(Token.E), List.of(Token.E, Token.EE, Token.S, Token.ES), List.of(Token.S, Token.SE)));

    /** The tokens of a message pattern. */
    enum Token { E, S, EE, ES, SE, SS }

    final List<List<Token>> messages;

    HandshakePattern(List<List<Token>> messages) {
        this.messages = messages;
    }

    static HandshakePattern of(String name) {
        for (HandshakePattern p : values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
