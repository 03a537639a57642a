package dev.trainingrun.trainer.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapping of the run's own files (config.json, metrics.jsonl, interruptions.jsonl, a checkpoint's
 * header): records as objects in their components' order, absent values left out, times as ISO-8601 text. Reading
 * one back fails on a missing number instead of inventing a zero (a component that may be absent is boxed and says
 * so), and tolerates fields it does not know (a newer trainer's). Doubles are written as {@link Double#toString}
 * does, so they read back exactly.
 */
public final class RunJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RunJson() {}
}
