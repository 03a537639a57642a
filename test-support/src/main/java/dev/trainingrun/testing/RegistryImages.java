package dev.trainingrun.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Image tarballs the build made (Jib's {@code buildTar}: the trainer's, the operator's) pushed with crane to the
 * cluster's registry, once per tarball and cluster, and named by digest, so that a pod never runs a stale image of
 * the same tag. Shared by every module whose cluster tests run the project's images.
 */
public final class RegistryImages {
    private record Pushed(String reference, long clusterRun) {}

    private static final Map<String, Pushed> PUSHED = new HashMap<>();

    private RegistryImages() {}

    /**
     * Pushes {@code tarball} to {@code <registry>/<repository>:test} unless this cluster already has it, and returns
     * the image by digest, e.g. {@code 10.250.0.1:5000/trainingrun/trainer@sha256:...}.
     */
    public static synchronized String push(Cluster cluster, Path tarball, String repository) {
        String key = tarball.toAbsolutePath().normalize() + " " + repository;
        Pushed pushed = PUSHED.get(key);
        if (pushed == null || pushed.clusterRun() != cluster.localCluster().run()) {
            if (!Files.isRegularFile(tarball)) {
                throw new IllegalStateException(tarball.toAbsolutePath().normalize() + " is missing: build its"
                        + " module first (./mvnw package builds the images before the modules that test them)");
            }
            String output = Command.check(Duration.ofMinutes(3), cluster.tool("crane").toString(), "push",
                    tarball.toString(), cluster.registry() + "/" + repository + ":test", "--insecure");
            String reference = Arrays.stream(output.split("\n")).map(String::strip)
                    .filter(line -> line.startsWith(cluster.registry()) && line.contains("@sha256:"))
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> new IllegalStateException("crane push printed no digest:\n" + output));
            pushed = new Pushed(reference, cluster.localCluster().run());
            PUSHED.put(key, pushed);
        }
        return pushed.reference();
    }
}
