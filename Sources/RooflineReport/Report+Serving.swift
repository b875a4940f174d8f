import RooflineDevices

extension Report {
    /// One device's part of the Serving section: the sweep table, the front and choice lines, the tokens/s
    /// against batch chart with the knee, and each context's front chart; with `csvBase`, the table's CSV link.
    func servingSection(_ sweep: DeploymentSweep, chart: (String, Chart) -> String, csvBase: String? = nil) -> String {
        let slug = Report.slug(sweep.deviceID)
        var md = "### \(Markdown.escape(sweep.deviceName))\n\n"
        md += DeploymentSweepRendering.table(sweep).markdown + "\n"
        md += Report.csvLinks([.serving(deviceID: sweep.deviceID)], baseName: csvBase)
        md += DeploymentSweepRendering.serving(sweep).map { "- \(Markdown.escape($0))\n" }.joined() + "\n"
        let throughput = chart("serving-\(slug)-throughput", .servingThroughput(sweep))
        md += "![Tokens/s against batch on \(Markdown.escape(sweep.deviceName)), knee marked](\(Markdown.linkTarget(throughput)))\n\n"
        for front in sweep.fronts {
            let file = chart("serving-\(slug)-front-\(front.contextTokens)", .servingFront(sweep, front: front))
            md += "![Serving front at context \(Format.grouped(front.contextTokens)) on \(Markdown.escape(sweep.deviceName))](\(Markdown.linkTarget(file)))\n\n"
        }
        md += sweep.assumptions.map { "- \(Markdown.escape(DeploymentSweepRendering.sentence($0, sweep: sweep)))\n" }.joined()
        return md
    }
}
