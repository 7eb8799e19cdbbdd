/// The error every SwiftKeras operation throws on a user mistake.
///
/// `kind` maps one-to-one onto the C API's status codes and Python's exception classes;
/// `message` names the operation and the offending shapes or values, e.g.
/// `"matmul: shapes (2, 3) and (4, 5) are not aligned"`.
public struct SwiftKerasError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The category of a failure. Raw values are the C API's status codes (append-only).
    public enum Kind: Int32, Sendable {
        /// A bad value or shape (Python ValueError).
        case invalidArgument = 1
        /// A dtype that the operation does not accept (Python TypeError).
        case invalidDType = 2
        /// An index out of range (Python IndexError).
        case outOfRange = 3
        /// An allocation that failed or would overflow (Python MemoryError).
        case outOfMemory = 4
        /// A feature that is not implemented (Python NotImplementedError).
        case unimplemented = 5
        /// A failure at run time: a state error, a failing callback (Python RuntimeError).
        case runtime = 6
        /// A NULL or invalid handle passed through the C API.
        case invalidHandle = 7
        /// Reading or writing a file failed.
        case io = 8
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    package static func invalid(_ message: String) -> SwiftKerasError { .init(.invalidArgument, message) }
    package static func dtype(_ message: String) -> SwiftKerasError { .init(.invalidDType, message) }
    static func range(_ message: String) -> SwiftKerasError { .init(.outOfRange, message) }
}

/// Formats a shape the way error messages and descriptions show it: "(2, 3)", "()", "(4,)".
public func formatShape(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
