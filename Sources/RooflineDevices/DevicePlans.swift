/// `plan` on several devices: the single plan or the sweep of each device, in the order `--device` names them.
public struct DevicePlans: Codable, Sendable, Equatable {
    /// One device's result: `plan` for one batch and one context, else `sweep`.
    public struct Entry: Codable, Sendable, Equatable {
        public var deviceID: String
        public var plan: DeploymentPlan?
        public var sweep: DeploymentSweep?

        public init(deviceID: String, plan: DeploymentPlan? = nil, sweep: DeploymentSweep? = nil) {
            self.deviceID = deviceID
            self.plan = plan
            self.sweep = sweep
        }
    }

    public var model: String
    public var devices: [Entry]

    public init(model: String, devices: [Entry]) {
        self.model = model
        self.devices = devices
    }
}
