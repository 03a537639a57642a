package dev.trainingrun.operator.e2e;

import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.RegistryImages;
import java.nio.file.Path;

/**
 * The trainer image as the build made it ({@code trainer-image/target/trainer-image.tar}, the reactor builds that
 * module first), in the cluster's registry by digest.
 */
final class TrainerImage {
    static final Path TARBALL = Path.of("..", "trainer-image", "target", "trainer-image.tar");

    private TrainerImage() {}

    static String pushedTo(Cluster cluster) {
        return RegistryImages.push(cluster, TARBALL, "trainingrun/trainer");
    }
}
