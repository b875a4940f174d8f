extension RooflineError {
    /// One line saying where a JSON document failed to decode: "missing .host.caches", "wrong type at .mode",
    /// "not valid JSON". For messages that name the file and the fix around it.
    public static func decodingProblem(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "top level" : text
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "wrong type at \(path(context.codingPath))"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
        default: return "\(error)".replacingOccurrences(of: "\n", with: " ")
        }
    }
}
