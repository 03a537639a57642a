package dev.trainingrun.testing;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Kueue's controller manager on the local cluster, with its webhooks, CRDs and visibility API, for the test classes
 * that need it: {@code hack/local-cluster kueue up} and {@code kueue down} (see docs/local-cluster.md). The other
 * classes run without it, and a class that starts it leaves the cluster without it:
 *
 * <pre>{@code
 * private static LocalKueue kueue;
 *
 * @BeforeAll
 * static void startKueue(Cluster cluster) {
 *     kueue = LocalKueue.start(cluster);
 * }
 *
 * @AfterAll
 * static void stopKueue() {
 *     kueue.stop();
 * }
 * }</pre>
 *
 * Both calls are idempotent and return once the script has seen Kueue ready (its CRDs Established, its webhooks
 * and visibility API answering) or gone (no process, webhook, APIService, CRD or Kueue object left).
 */
public final class LocalKueue {

    /** A first start compiles Kueue (about 4 minutes on 2 cores, cached afterwards). */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);
    private static final Path LOG = Path.of("target", "local-cluster.log");

    private final LocalCluster cluster;

    private LocalKueue(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts Kueue on the cluster unless it runs already; throws with the script's output if it cannot. */
    public static LocalKueue start(Cluster cluster) {
        LocalKueue kueue = new LocalKueue(cluster.localCluster());
        kueue.cluster.script(UP_TIMEOUT, LOG, "kueue", "up").orThrow();
        return kueue;
    }

    /** True while Kueue runs and answers. */
    public boolean isUp() {
        return cluster.script(Duration.ofSeconds(30), null, "kueue", "is-up").succeeded();
    }

    /** Removes Kueue and everything it made from the cluster; nothing happens when it is not there. */
    public void stop() {
        cluster.script(DOWN_TIMEOUT, LOG, "kueue", "down").orThrow();
    }
}
