package dev.trainingrun.operator.status;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events about a run ({@code kubectl describe tr NAME}, {@code kubectl events --for tr/NAME}): one per
 * phase change and one whenever the run becomes stuck, so the history stays visible after the status moved on.
 * Also about the CRD, when it is older than the operator ({@code kubectl describe crd}).
 */
@Singleton
public class RunEvents {
    private static final Logger LOG = Logger.getLogger(RunEvents.class);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String CONTROLLER = TrainingRun.GROUP + "/" + RunResources.OPERATOR;
    /** The Events API caps notes at 1 kB. */
    private static final int MAX_NOTE = 1024;
    private static final int MAX_NAME = 253;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final String instance;

    public RunEvents(KubernetesClient client) {
        this.client = client;
        String host = System.getenv("HOSTNAME");
        this.instance = host != null && !host.isBlank() ? host : RunResources.OPERATOR;
    }

    /** Named like the Events of Kubernetes' own controllers: the object's name, a dot, a unique suffix. */
    private static String eventName(HasMetadata object) {
        String suffix = "." + Long.toHexString(System.currentTimeMillis()) + Integer.toHexString(RANDOM.nextInt());
        String name = object.getMetadata().getName();
        String prefix = name.substring(0, Math.min(name.length(), MAX_NAME - suffix.length()));
        // A cut name may end in a character a DNS label cannot end with.
        return prefix.replaceAll("[-.]+$", "") + suffix;
    }

    /**
     * Records an Event about an object (a run, or the CRD: the Events of cluster-scoped objects live in the
     * {@code default} namespace); a failure is logged, never raised: Events are a courtesy, the status is the record.
     */
    public void record(HasMetadata object, boolean warning, String action, String reason, String note) {
        String namespace = object.getMetadata().getNamespace();
        var event = new EventBuilder()
                .withNewMetadata()
                    .withName(eventName(object))
                    .withNamespace(namespace != null ? namespace : "default")
                .endMetadata()
                .withEventTime(new MicroTime(MICRO_TIME.format(Instant.now())))
                .withReportingController(CONTROLLER)
                .withReportingInstance(instance)
                .withAction(action)
                .withReason(reason)
                .withType(warning ? "Warning" : "Normal")
                .withNote(note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE - 1) + "…" : note)
                .withRegarding(new ObjectReferenceBuilder()
                        // Objects listed by an informer may lack both; their class knows them.
                        .withApiVersion(HasMetadata.getApiVersion(object.getClass()))
                        .withKind(HasMetadata.getKind(object.getClass()))
                        .withName(object.getMetadata().getName())
                        .withNamespace(namespace)
                        .withUid(object.getMetadata().getUid())
                        .withResourceVersion(object.getMetadata().getResourceVersion())
                        .build())
                .build();
        try {
            client.events().v1().events().resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record Event %s for %s %s: %s", reason, object.getKind(),
                    namespace != null ? namespace + "/" + object.getMetadata().getName()
                            : object.getMetadata().getName(), e.getMessage());
        }
    }
}
