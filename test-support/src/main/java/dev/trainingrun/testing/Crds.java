package dev.trainingrun.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Installs a custom resource definition on the test cluster and waits until the API server serves it. */
public final class Crds {
    private static final String FIELD_MANAGER = "trainingrun-tests";
    private static final Duration ESTABLISHED_TIMEOUT = Duration.ofSeconds(60);

    private Crds() {}

    /**
     * Applies the CRD in {@code file} (server-side, taking over fields another manager set) and waits for its
     * Established condition.
     */
    public static void install(KubernetesClient client, Path file) {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(file)) {
            crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        install(client, crd);
    }

    /**
     * Applies {@code crd} (server-side, taking over fields another manager set, so that fields it leaves out go) and
     * waits for its Established condition.
     */
    public static void install(KubernetesClient client, CustomResourceDefinition crd) {
        client.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        String name = crd.getMetadata().getName();
        // Polled rather than `kubectl wait --for=condition=Established`: a CRD the API server has just created has a
        // status without conditions for a moment, and kubectl fails on that instead of waiting.
        Await.until("CRD " + name + " to be Established", ESTABLISHED_TIMEOUT,
                () -> client.apiextensions().v1().customResourceDefinitions().withName(name).get(),
                Crds::established);
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
