import Charts
import Studies

/// The activation study's feature-map grid for any model, as `bnlab capture` draws it.
public enum FeatureMapFigure {
    /// One row per image (the input on the left in grey, its class as the row label), one column per
    /// channel, one colour scale with its colorbar.
    public static func grid(_ maps: FeatureMaps, images: CaptureImages, classNames: [String], title: String) -> Figure {
        ActivationsFigures.featureMapGrid(maps, images: images, classNames: classNames, title: title)
    }
}
