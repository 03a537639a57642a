package dev.trainingrun.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.status.RunConditions;
import dev.trainingrun.operator.status.RunEvents;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether the TrainingRun CRD the cluster serves is as new as this operator. Helm installs CRDs but never upgrades
 * them, so an operator upgraded with its chart can meet the CRD of an older release; the API server then refuses
 * every server-side apply of a status that sets a field the old schema lacks, and drops such fields from other
 * writes. The operator then writes the statuses {@linkplain #writable without those fields}.
 *
 * <p>From start-up on, it watches the one CRD and compares its {@code v1alpha1} schema with the schema this operator
 * was built with (the generated CRD, a resource of the API jar). Whenever the answer changes it says so in the log,
 * as an Event on the CRD, in the operator's readiness ({@link ServedCrdReadiness}) and, through the listeners, on
 * every run ({@code Ready=False}, reason {@code CrdOutdated}); applying the new CRD clears all of it, no restart
 * needed. Nothing stops: runs are reconciled as well as the old schema allows.
 */
@Singleton
public class ServedCrd {
    private static final Logger LOG = Logger.getLogger(ServedCrd.class);

    private final KubernetesClient client;
    private final RunEvents events;
    private final String version;
    private final JSONSchemaProps built;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Optional<Problem> outdated = Optional.empty();
    /** The served schema of {@code status} while the CRD is outdated; null while it is current (or unknown). */
    private volatile JSONSchemaProps outdatedStatus;
    private volatile SharedIndexInformer<CustomResourceDefinition> informer;

    public ServedCrd(KubernetesClient client, RunEvents events,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        this.client = client;
        this.events = events;
        this.version = version;
        this.built = schema(bundled(client));
    }

    private static CustomResourceDefinition bundled(KubernetesClient client) {
        try (InputStream crd = TrainingRun.class.getResourceAsStream(TrainingRun.CRD_RESOURCE)) {
            return client.getKubernetesSerialization().unmarshal(Objects.requireNonNull(crd, TrainingRun.CRD_RESOURCE),
                    CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema of the version the operator uses, or null when the CRD does not serve it. */
    private static JSONSchemaProps schema(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().stream()
                .filter(version -> TrainingRun.VERSION.equals(version.getName())
                        && Boolean.TRUE.equals(version.getServed()))
                .map(CustomResourceDefinitionVersion::getSchema)
                .filter(Objects::nonNull)
                .map(schema -> schema.getOpenAPIV3Schema())
                .findFirst()
                .orElse(null);
    }

    void start(@Observes StartupEvent started) {
        try {
            informer = client.apiextensions().v1().customResourceDefinitions().withName(TrainingRun.CRD_NAME)
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(CustomResourceDefinition crd) {
                            compare(crd);
                        }

                        @Override
                        public void onUpdate(CustomResourceDefinition before, CustomResourceDefinition crd) {
                            compare(crd);
                        }

                        @Override
                        public void onDelete(CustomResourceDefinition crd, boolean finalStateUnknown) {
                            // The operator's own informers fail without the CRD and say so; nothing to compare.
                        }
                    });
        } catch (KubernetesClientException e) {
            LOG.warnf("Cannot read CRD %s to check that it is as new as this operator (%s): %s. The operator needs "
                    + "get, list and watch on customresourcedefinitions named %s.", TrainingRun.CRD_NAME, version,
                    e.getMessage(), TrainingRun.CRD_NAME);
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (informer != null) {
            informer.close();
        }
    }

    /** What the served CRD lacks, as the problem every run reports; empty when it has everything. */
    public Optional<Problem> outdated() {
        return outdated;
    }

    /**
     * The status cut down to what the served CRD declares: under an outdated CRD the API server refuses a
     * server-side apply that sets a field it does not know ("field not declared in schema"), which would keep
     * every run's status, the report of the outdated CRD included, from being written at all.
     */
    public TrainingRunStatus writable(TrainingRunStatus status) {
        JSONSchemaProps schema = outdatedStatus;
        if (schema == null) {
            return status;
        }
        KubernetesSerialization json = client.getKubernetesSerialization();
        JsonNode tree = json.convertValue(status, JsonNode.class);
        SchemaGap.dropUndeclared(tree, schema);
        return json.convertValue(tree, TrainingRunStatus.class);
    }

    /** Calls {@code listener} each time {@link #outdated} changes. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private synchronized void compare(CustomResourceDefinition crd) {
        Optional<Problem> now = problem(crd);
        if (now.equals(outdated)) {
            return;
        }
        outdated = now;
        JSONSchemaProps served = schema(crd);
        outdatedStatus = now.isPresent() && served != null && served.getProperties() != null
                ? served.getProperties().get("status") : null;
        if (now.isPresent()) {
            LOG.warn(now.get().message());
            events.record(crd, true, "Check", RunConditions.CRD_OUTDATED, now.get().message());
        } else {
            LOG.infof("CRD %s now has every field this operator (%s) uses.", TrainingRun.CRD_NAME, version);
        }
        listeners.forEach(Runnable::run);
    }

    private Optional<Problem> problem(CustomResourceDefinition crd) {
        JSONSchemaProps served = schema(crd);
        String lacks;
        if (served == null) {
            lacks = "serves no version " + TrainingRun.VERSION + " with a schema";
        } else {
            List<String> missing = SchemaGap.missing(built, served);
            if (missing.isEmpty()) {
                return Optional.empty();
            }
            lacks = "lacks " + String.join(", ", missing) + ", which the operator and the trainer write";
        }
        return Optional.of(new Problem(RunConditions.CRD_OUTDATED, "The installed CRD " + TrainingRun.CRD_NAME
                + " is older than this operator (" + version + "): it " + lacks + ". Apply the CRD of operator "
                + version + " (kubectl apply --server-side --force-conflicts -f " + TrainingRun.CRD_RESOURCE
                + ", from the Helm chart's crds/ folder); Helm installs CRDs but never upgrades them.", false));
    }
}
