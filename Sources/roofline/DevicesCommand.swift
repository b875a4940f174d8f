import ArgumentParser
import Foundation
import RooflineCore
import RooflineDevices

/// `--device`, `--device-file` and `--price`, shared by `devices` and `plan`.
struct DeviceSelection: ParsableArguments {
    @Option(name: .long, help: "Accelerator id or short alias (h200, b200, mi300x, tpu-v5e); `roofline devices` lists them. plan takes a comma-separated list (h200,b200,mi300x).")
    var device: String?

    @Option(name: .long, help: ArgumentHelp("A JSON file describing more accelerators (same shape as the bundled data or `roofline devices --format json`); repeatable.", valueName: "file"))
    var deviceFile: [String] = []

    @Option(name: .long, help: ArgumentHelp("Price of one device for one hour in US dollars, instead of the bundled dated price.", valueName: "usd"))
    var price: Double?

    func validate() throws {
        if let price, !(price.isFinite && price > 0) {
            throw ValidationError("--price must be a positive number of US dollars per device-hour, got \(price)")
        }
        if price != nil && device == nil {
            throw ValidationError("--price sets one device's price: give --device too")
        }
    }

    /// The bundled devices plus those in every `--device-file`.
    func catalog() throws -> DeviceCatalog {
        try DeviceCatalog.bundled(adding: deviceFile)
    }

    /// The `--device` from `catalog`, at `--price` when given; nil without `--device`.
    func selected(from catalog: DeviceCatalog) throws -> Device? {
        guard let device else { return nil }
        let found = try catalog.device(named: device)
        return price.map { found.pricedAt($0, note: "set with --price") } ?? found
    }

    /// The `--device` list (`h200,b200`) from `catalog`, in order, at `--price` when given; empty without
    /// `--device`. A device named twice, or `--price` with more than one device, is a usage error.
    func selectedList(from catalog: DeviceCatalog) throws -> [Device] {
        guard let device else { return [] }
        let names = try listOption(device, name: "--device")
        if price != nil && names.count != 1 {
            throw RooflineError.usage("--price sets one device's price: give a single --device")
        }
        return try namedDevices(names, in: catalog, price: price)
    }
}

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the bundled accelerators with their ridge points, or show one in full.",
        discussion: """
            Values are dense peaks (no 2:4 sparsity), vendor memory bandwidth and capacity in decimal units, and a \
            dated on-demand price where one is known; every device lists its sources. A missing value is shown as \
            missing, never as 0.
            """)

    @OptionGroup var selection: DeviceSelection

    @OptionGroup var results: OutputOptions

    func run() throws {
        let catalog = try selection.catalog()
        if let device = try selection.selected(from: catalog) {
            try results.emit(DeviceListing(device: device), text: { DeviceRendering.detailText(device) },
                             markdown: { DeviceRendering.detailMarkdown(device) },
                             csv: { [try CSVTable("devices", rows: [DeviceListing(device: device)])] })
        } else {
            try results.emit(catalog.devices.map(DeviceListing.init), arrayKey: "devices", text: { DeviceRendering.text(catalog.devices) },
                             markdown: { DeviceRendering.markdown(catalog.devices) },
                             csv: { [try CSVTable("devices", rows: catalog.devices.map(DeviceListing.init))] })
        }
    }
}
