import ArgumentParser
import RooflineCore
import RooflineModels

/// `--revision` and `--family`: where a hub id's config comes from and which architecture reads it, shared by
/// every command that takes `--model`.
struct ModelSource: ParsableArguments {
    @Option(help: "With a Hugging Face id: the branch, tag or commit of the cached snapshot (default main).")
    var revision: String?

    @Option(help: "Force the architecture family (a model_type such as llama, qwen2_moe, gpt_oss) for a config whose model_type is unknown or wrong.")
    var family: String?

    /// The model the options name (`ModelConfig.load`); its notes go to stderr as warnings.
    func load(_ model: String) throws -> ModelConfig {
        let forced = try family.map { name in
            guard let family = ModelFamily(modelType: name.lowercased()) ?? ModelFamily(rawValue: name.lowercased()) else {
                throw RooflineError.usage("unknown --family '\(name)': use one of "
                    + ModelFamily.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return family
        }
        let config = try ModelConfig.load(model, revision: revision, family: forced)
        for note in config.notes { Diagnostics.warning("\(config.name): \(note)") }
        return config
    }
}

/// The sanity checks of a model at a context, on stderr (they never change the exit code).
func warnAboutSizes(_ model: ModelConfig, context: Int) {
    for warning in model.sanityWarnings(context: context) { Diagnostics.warning("\(model.name): \(warning)") }
}
