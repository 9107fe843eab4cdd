/// Errors from rendering or writing a figure.
public enum ChartError: Error, Equatable, CustomStringConvertible {
    case invalidSize(width: Double, height: Double, dpi: Double)
    case cairo(String)
    case png(String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidSize(w, h, dpi): "invalid figure size \(w)×\(h) pt at \(dpi) dpi"
        case let .cairo(s): "cairo: \(s)"
        case let .png(s): "png: \(s)"
        case let .io(path, reason): "cannot write \(path): \(reason)"
        }
    }
}
