/// Output file formats.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png, svg, pdf
}
