package dev.trainingrun.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs on the real local cluster: see {@link LocalClusterExtension}. Its
 * test methods (and {@code @BeforeAll}/{@code @BeforeEach} methods) may take a
 * {@link io.fabric8.kubernetes.client.KubernetesClient} and a {@link Cluster} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("cluster")
@ExtendWith(LocalClusterExtension.class)
public @interface OnLocalCluster {
    /** The Pod Security profile the class's namespace enforces. */
    String RESTRICTED = "restricted";
    /** No Pod Security label at all: the namespace admits any pod, as most clusters' namespaces do by default. */
    String NONE = "";

    /**
     * The Pod Security level the class's namespace enforces (with warnings and audit at the same level):
     * {@link #RESTRICTED} unless the class tests what happens without one ({@link #NONE}).
     */
    String podSecurity() default RESTRICTED;
}
