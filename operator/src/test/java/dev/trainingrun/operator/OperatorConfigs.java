package dev.trainingrun.operator;

import dev.trainingrun.operator.config.OperatorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** The operator's configuration for unit tests, from environment variables converted as Quarkus converts them. */
public final class OperatorConfigs {
    private OperatorConfigs() {}

    public static OperatorConfig from(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .withMapping(OperatorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(env, EnvConfigSource.ORDINAL))
                .build()
                .getConfigMapping(OperatorConfig.class);
    }
}
