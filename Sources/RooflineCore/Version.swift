/// The tool's version, printed by `--version` and recorded in every profile and report.
public enum RooflineVersion {
    public static let current = "0.1.0"
}
