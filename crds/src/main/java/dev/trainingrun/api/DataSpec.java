package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the images are and how they are prepared for the network. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataSpec {
    /** A relative path inside the volume that cannot climb out of it (the API server's regexes lack lookahead). */
    static final String INSIDE_VOLUME = "!self.startsWith('/') && !self.split('/').exists(s, s == '..')";

    static final String INSIDE_VOLUME_MESSAGE = "must be a path inside the data volume: relative, without '..'";

    @JsonPropertyDescription("The volume holding the images, mounted read-only into the training pod.")
    @Required
    private DataVolume volume;

    @JsonPropertyDescription("Training images in ImageFolder layout (one sub-folder per class), "
            + "as a path relative to the volume's root.")
    @Default("train")
    @Size(min = 1, max = 1024)
    @ValidationRule(value = INSIDE_VOLUME, message = INSIDE_VOLUME_MESSAGE)
    private String trainDir = "train";

    @JsonPropertyDescription("Validation images in ImageFolder layout, relative to the volume's root; "
            + "must hold the same class folders as trainDir.")
    @Default("val")
    @Size(min = 1, max = 1024)
    @ValidationRule(value = INSIDE_VOLUME, message = INSIDE_VOLUME_MESSAGE)
    private String valDir = "val";

    @JsonPropertyDescription("Per-channel normalisation applied after scaling pixels to [0, 1].")
    @Default("{}")
    private Normalization normalize = new Normalization();

    @JsonPropertyDescription("Side in pixels of the square crops fed to the network (RandomResizedCrop size).")
    @Default("256")
    @Min(32)
    @Max(1024)
    private int imageSize = 256;

    @JsonPropertyDescription("Threads that decode and augment images ahead of training (the seed's num_workers), "
            + "at most the CPUs the container may use.")
    @Default("4")
    @Min(1)
    @Max(64)
    private int loaderThreads = 4;

    public DataVolume getVolume() {
        return volume;
    }

    public void setVolume(DataVolume volume) {
        this.volume = volume;
    }

    public String getTrainDir() {
        return trainDir;
    }

    public void setTrainDir(String trainDir) {
        this.trainDir = trainDir;
    }

    public String getValDir() {
        return valDir;
    }

    public void setValDir(String valDir) {
        this.valDir = valDir;
    }

    public Normalization getNormalize() {
        return normalize;
    }

    public void setNormalize(Normalization normalize) {
        this.normalize = normalize;
    }

    public int getImageSize() {
        return imageSize;
    }

    public void setImageSize(int imageSize) {
        this.imageSize = imageSize;
    }

    public int getLoaderThreads() {
        return loaderThreads;
    }

    public void setLoaderThreads(int loaderThreads) {
        this.loaderThreads = loaderThreads;
    }
}
