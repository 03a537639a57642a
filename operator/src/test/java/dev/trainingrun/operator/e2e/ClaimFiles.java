package dev.trainingrun.operator.e2e;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a claim's files are on this machine: the local cluster's storage (local-path) keeps each volume in a
 * directory of the host, so the tests read what the trainer wrote without another pod.
 */
final class ClaimFiles {
    private ClaimFiles() {}

    static Path root(KubernetesClient client, String claim) {
        PersistentVolumeClaim bound = client.persistentVolumeClaims().withName(claim).get();
        if (bound == null || bound.getSpec().getVolumeName() == null) {
            throw new IllegalStateException("claim " + claim + " is not bound");
        }
        PersistentVolume volume = client.persistentVolumes().withName(bound.getSpec().getVolumeName()).get();
        String path = volume.getSpec().getHostPath() != null ? volume.getSpec().getHostPath().getPath()
                : volume.getSpec().getLocal() != null ? volume.getSpec().getLocal().getPath() : null;
        if (path == null || !Files.isDirectory(Path.of(path))) {
            throw new IllegalStateException("volume " + volume.getMetadata().getName() + " of claim " + claim
                    + " is not a directory of this machine (" + path + "): these tests need the local cluster");
        }
        return Path.of(path);
    }
}
