package dev.trainingrun.operator;

import dev.trainingrun.operator.config.NssAesGcm;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.jboss.logging.Logger;

/**
 * The operator's entry point: Quarkus, once TLS's AES-GCM is NSS's ({@link NssAesGcm}), which it must be before the
 * API server client opens its first connection.
 */
@QuarkusMain
public final class OperatorMain {
    private static final Logger LOG = Logger.getLogger(OperatorMain.class);

    private OperatorMain() {}

    public static void main(String... args) {
        LOG.infof("TLS encrypts with AES-GCM from %s", NssAesGcm.install().getName());
        Quarkus.run(args);
    }
}
