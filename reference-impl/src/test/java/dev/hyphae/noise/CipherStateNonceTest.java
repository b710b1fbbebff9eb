package dev.hyphae.noise;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Nonce 2^64-1 is reserved: a cipher state that reaches it can no longer send, so no nonce is ever reused. */
class CipherStateNonceTest {

    @Test
    @Requirement("HY-FRAME-011")
    void anExhaustedCipherStateRefusesToEncryptOrDecrypt() throws NoiseException {
        CipherState sender = new CipherState();
        sender.initializeKey(new byte[32]);
        sender.setNonce(-2L); // 2^64 - 2: the last usable nonce
        sender.encryptWithAd(new byte[0], new byte[] {1});
        assertEquals(-1L, sender.nonce());
        assertEquals(NoiseException.Reason.NONCES_EXHAUSTED, assertThrows(NoiseException.class,
                () -> sender.encryptWithAd(new byte[0], new byte[] {2})).reason());
        CipherState receiver = new CipherState();
        receiver.initializeKey(new byte[32]);
        receiver.setNonce(-1L);
        assertEquals(NoiseException.Reason.NONCES_EXHAUSTED, assertThrows(NoiseException.class,
                () -> receiver.decryptWithAd(new byte[0], new byte[17])).reason());
    }

    @Test
    @Requirement("HY-FRAME-020")
    void aDestroyedCipherStateNeverPassesDataThroughInTheClear() throws NoiseException {
        CipherState state = new CipherState();
        state.initializeKey(new byte[32]);
        state.encryptWithAd(new byte[0], new byte[] {1});
        state.destroy();
        assertThrows(IllegalStateException.class, () -> state.encryptWithAd(new byte[0], new byte[] {2}));
        assertThrows(IllegalStateException.class, () -> state.decryptWithAd(new byte[0], new byte[17]));
        assertThrows(IllegalStateException.class, state::rekey);
    }
}
