@_exported import RooflineCore
