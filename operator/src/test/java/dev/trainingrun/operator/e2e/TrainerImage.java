package dev.trainingrun.operator.e2e;

import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The trainer image as the build made it ({@code trainer-image/target/trainer-image.tar}, the reactor builds that
 * module first), pushed with crane to the cluster's registry once per cluster and named by digest, so that a pod
 * never runs a stale image of the same tag.
 */
final class TrainerImage {
    static final Path TARBALL = Path.of("..", "trainer-image", "target", "trainer-image.tar");

    private static String pushed;
    private static long pushedToClusterRun = -1;

    private TrainerImage() {}

    static synchronized String pushedTo(Cluster cluster) {
        if (pushed == null || pushedToClusterRun != cluster.localCluster().run()) {
            if (!Files.isRegularFile(TARBALL)) {
                throw new IllegalStateException(TARBALL.toAbsolutePath() + " is missing: build trainer-image first"
                        + " (./mvnw package builds it before the operator)");
            }
            String output = Command.check(Duration.ofMinutes(3), cluster.tool("crane").toString(), "push",
                    TARBALL.toString(), cluster.registry() + "/trainingrun/trainer:e2e", "--insecure");
            pushed = Arrays.stream(output.split("\n")).map(String::strip)
                    .filter(line -> line.startsWith(cluster.registry()) && line.contains("@sha256:"))
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> new IllegalStateException("crane push printed no digest:\n" + output));
            pushedToClusterRun = cluster.localCluster().run();
        }
        return pushed;
    }
}
