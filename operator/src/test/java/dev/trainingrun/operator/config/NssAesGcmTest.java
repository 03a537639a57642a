package dev.trainingrun.operator.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Security;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NSS's AES-GCM against the JDK's own (SunJCE) on the same keys, nonces, associated data and texts, and a TLS
 * connection with it in place. Needs NSS, which the JDK's Debian package brings (libnss3). A JVM configures NSS
 * once, so the tests share one installation: {@link NssAesGcm#install()} is meant to run once per process, and a
 * second call is a no-op that one test checks.
 */
class NssAesGcmTest {

    @Test
    void aesGcmComesFromNssAndNothingElseChanges() throws Exception {
        String digest = MessageDigest.getInstance("SHA-256").getProvider().getName();
        String cbc = Cipher.getInstance("AES/CBC/NoPadding").getProvider().getName();

        assertEquals(NssAesGcm.PROVIDER, NssAesGcm.install().getName());
        assertEquals(NssAesGcm.PROVIDER, Cipher.getInstance(NssAesGcm.TRANSFORMATION).getProvider().getName());
        assertEquals(digest, MessageDigest.getInstance("SHA-256").getProvider().getName());
        assertEquals(cbc, Cipher.getInstance("AES/CBC/NoPadding").getProvider().getName());

        int providers = Security.getProviders().length;
        assertSame(Security.getProvider(NssAesGcm.PROVIDER), NssAesGcm.install());
        assertEquals(providers, Security.getProviders().length);
    }

    @Test
    void encryptsAndDecryptsAsTheJdkDoes() throws Exception {
        NssAesGcm.install();
        SplittableRandom random = new SplittableRandom(7);
        // TLS 1.3 records carry up to 16 KiB and a 5-byte header as associated data; the odd lengths cross AES's
        // 16-byte blocks.
        for (int length : new int[] {0, 1, 15, 16, 17, 1000, 16384, 16401}) {
            for (int keyBytes : new int[] {16, 32}) {
                SecretKeySpec key = new SecretKeySpec(bytes(random, keyBytes), "AES");
                GCMParameterSpec nonce = new GCMParameterSpec(128, bytes(random, 12));
                byte[] aad = bytes(random, 5);
                byte[] text = bytes(random, length);

                byte[] jdk = crypt(Cipher.getInstance(NssAesGcm.TRANSFORMATION, "SunJCE"), Cipher.ENCRYPT_MODE, key,
                        nonce, aad, text);
                byte[] nss = crypt(Cipher.getInstance(NssAesGcm.TRANSFORMATION), Cipher.ENCRYPT_MODE, key, nonce,
                        aad, text);
                assertArrayEquals(jdk, nss, length + " bytes, " + keyBytes * 8 + "-bit key");
                assertArrayEquals(text, crypt(Cipher.getInstance(NssAesGcm.TRANSFORMATION), Cipher.DECRYPT_MODE,
                        key, nonce, aad, jdk));

                jdk[jdk.length - 1] ^= 1;
                assertThrows(AEADBadTagException.class, () -> crypt(Cipher.getInstance(NssAesGcm.TRANSFORMATION),
                        Cipher.DECRYPT_MODE, key, nonce, aad, jdk));
            }
        }
    }

    @Test
    void aTlsConnectionCarriesDataThroughIt(@TempDir Path folder) throws Exception {
        assertEquals(NssAesGcm.PROVIDER, NssAesGcm.install().getName());
        SSLContext context = selfSignedContext(folder);
        byte[] sent = bytes(new SplittableRandom(3), 100_000);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0)) {
            server.setEnabledProtocols(new String[] {"TLSv1.3"});
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept(); InputStream in = socket.getInputStream()) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                    server.getLocalPort())) {
                client.startHandshake();
                String suite = client.getSession().getCipherSuite();
                assertTrue(suite.startsWith("TLS_AES_") && suite.contains("_GCM_"), suite);
                OutputStream out = client.getOutputStream();
                out.write(sent);
                out.flush();
            }
            assertArrayEquals(sent, received.get(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void whereNssCannotBeConfiguredThereIsNoProviderAndNoError() {
        // Refused before NSS is loaded: a JVM loads NSS once, and a failed load (say, from a missing library folder)
        // would leave it unusable for the other tests in this JVM.
        String refused = NssAesGcm.CONFIGURATION.replace("nssDbMode=noDb", "nssDbMode=none-such");

        assertEquals(Optional.empty(), NssAesGcm.configure(refused));
    }

    private static byte[] crypt(Cipher cipher, int mode, SecretKeySpec key, GCMParameterSpec nonce, byte[] aad,
            byte[] input) throws Exception {
        cipher.init(mode, key, nonce);
        cipher.updateAAD(aad);
        return cipher.doFinal(input);
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Client and server of one self-signed key that keytool makes, each trusting it. */
    private static SSLContext selfSignedContext(Path folder) throws Exception {
        Path keystore = folder.resolve("keystore.p12");
        char[] password = "test-only".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-alias", "localhost", "-dname", "CN=localhost", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(password))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
