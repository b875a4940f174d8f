import RooflineDevices

/// Text and markdown views of `DevicePlans`: each device's plan or sweep as `plan` prints it for that device alone,
/// one after another.
public enum DevicePlansRendering {
    public static func text(_ plans: DevicePlans) -> String {
        plans.devices.map { entry in
            if let sweep = entry.sweep { return DeploymentSweepRendering.text(sweep) }
            return entry.plan.map(DeploymentPlanRendering.text) ?? ""
        }.joined(separator: "\n")
    }

    public static func markdown(_ plans: DevicePlans) -> String {
        plans.devices.map { entry in
            if let sweep = entry.sweep { return DeploymentSweepRendering.markdown(sweep) }
            return entry.plan.map(DeploymentPlanRendering.markdown) ?? ""
        }.joined(separator: "\n")
    }
}
