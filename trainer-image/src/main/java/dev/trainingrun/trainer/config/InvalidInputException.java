package dev.trainingrun.trainer.config;

import java.util.List;

/**
 * Input the trainer cannot run with (a manifest field, a data folder, a file), found before training starts; each
 * problem names the field, folder or file, so the message alone tells the user what to fix.
 */
public final class InvalidInputException extends RuntimeException {
    private final List<String> problems;

    public InvalidInputException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidInputException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
