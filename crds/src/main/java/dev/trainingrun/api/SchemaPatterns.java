package dev.trainingrun.api;

/**
 * Regular expressions of the CRD schema for strings whose syntax Kubernetes fixes, so that a value the cluster would
 * refuse later (when the operator creates the run's claim or Job) is refused at {@code kubectl apply} instead, with
 * the field's name. None of them matches the empty string.
 */
final class SchemaPatterns {
    /** An object name such as a claim's or a PriorityClass's (RFC 1123 subdomain, as Kubernetes validates it). */
    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /**
     * A resource quantity such as {@code 500m}, {@code 16Gi} or {@code 1e3}: the grammar of Kubernetes'
     * {@code resource.Quantity} (k8s.io/apimachinery), without a sign, since no size, CPU or memory is negative.
     */
    static final String QUANTITY = "^(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]"
            + "|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    /**
     * An image reference: not empty and without white space, which Kubernetes refuses in a pod's image (or the
     * kubelet reports as InvalidImageName).
     */
    static final String IMAGE = "^\\S+$";

    private SchemaPatterns() {}
}
