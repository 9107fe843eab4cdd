import Training

/// A study's configuration: Codable under the study's `configKey`, with defaults per profile, and
/// able to check itself.
public protocol StudyConfig: Codable, Sendable, Equatable {
    /// The defaults of a profile.
    init(profile: Profile)
    /// Checks every value before any work starts. Errors name the key relative to the study
    /// (`learningRates[3]`); the pipeline prefixes the study's key (`lrSweep.learningRates[3]`).
    func validate() throws(ConfigError)
    /// Keys whose default is nil, so an encoded default config lacks them, yet a config file may set them.
    static var optionalKeys: Set<String> { get }
}

extension StudyConfig {
    public static var optionalKeys: Set<String> { [] }
}

/// How much work a run does: `quick` (minutes) or `full` (the numbers a reviewer should see).
public enum Profile: String, CaseIterable, Codable, Sendable {
    case quick, full
}
