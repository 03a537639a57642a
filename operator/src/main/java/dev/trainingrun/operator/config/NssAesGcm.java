package dev.trainingrun.operator.config;

import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Optional;
import javax.crypto.Cipher;
import org.jboss.logging.Logger;

/**
 * Hands the AES-GCM of every TLS record to the system's NSS library, through the JDK's own PKCS#11 provider, instead
 * of the JDK's Java implementation; every other algorithm stays the JDK's.
 *
 * <p>Why: all traffic with the API server is TLS, AES-GCM for every byte, and the image runs the C1 compiler only
 * ({@code -XX:TieredStopAtLevel=1}, which halves the operator's CPU; docs/performance.md). The JDK's AES-GCM is fast
 * only where C2 replaces it with the CPU's AES and carry-less-multiply instructions; under C1 it is plain Java:
 * 18-21 MB/s through a TLS socket on our 2-core machines, against 100-160 MB/s with NSS, which uses those
 * instructions whatever the JIT. With 500 runs at once the operator made all their Jobs a sixth sooner (docs/
 * performance.md, "AES-GCM from NSS"). NSS comes with the JDK's Debian package (openjdk-17-jre-headless depends on
 * libnss3), so it is in the operator's image.
 *
 * <p>The provider is configured with AES-GCM as its only mechanism and put first, so that JSSE, which asks for
 * {@code AES/GCM/NoPadding} by name when a connection's keys are made, gets NSS's and nothing else changes. Where NSS
 * cannot be loaded (another JDK, no libsoftokn3), TLS keeps the JDK's implementation and a warning says why.
 */
public final class NssAesGcm {
    /** The name the JDK gives the configured provider: {@code SunPKCS11-} and the configuration's name. */
    static final String PROVIDER = "SunPKCS11-NSS";
    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /**
     * SunPKCS11's configuration, given inline (the leading {@code --}) rather than as a file: NSS's software token
     * without a key database, with the attributes NSS's keys need ({@code compatibility}, as in the JDK's own
     * nss.cfg), offering AES-GCM alone.
     */
    static final String CONFIGURATION = """
            --name=NSS
            nssDbMode=noDb
            attributes=compatibility
            enabledMechanisms = {
              CKM_AES_GCM
            }
            """;
    private static final Logger LOG = Logger.getLogger(NssAesGcm.class);

    private NssAesGcm() {}

    /**
     * Puts NSS's AES-GCM first; once it is in place, a second call changes nothing. Call it before the first TLS
     * connection: a connection's cipher implementation is chosen when it is opened.
     *
     * @return the provider that now serves {@code AES/GCM/NoPadding}: NSS's, or the JDK's when NSS could not be loaded
     */
    public static Provider install() {
        if (Security.getProvider(PROVIDER) == null) {
            configure(CONFIGURATION).ifPresent(nss -> Security.insertProviderAt(nss, 1));
        }
        try {
            return Cipher.getInstance(TRANSFORMATION).getProvider();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + TRANSFORMATION, e);
        }
    }

    /**
     * The SunPKCS11 provider of {@code configuration}, or empty, with a warning, when it cannot be made. A JVM
     * configures NSS once: a second configuration is refused.
     */
    static Optional<Provider> configure(String configuration) {
        try {
            Provider pkcs11 = Security.getProvider("SunPKCS11");
            if (pkcs11 == null) {
                throw new ProviderException("this JDK has no SunPKCS11 provider");
            }
            return Optional.of(pkcs11.configure(configuration));
        } catch (ProviderException | InvalidParameterException e) {
            LOG.warnf("TLS keeps the JDK's own AES-GCM, which costs more CPU under the C1 compiler: NSS could not "
                    + "be configured or loaded (%s)", e.getMessage());
            return Optional.empty();
        }
    }
}
