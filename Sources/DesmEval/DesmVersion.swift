/// desm's version: `desm --version`, the experiment reports' header and their JSON
/// (`desm_version`). The one place it is written.
public let desmVersion = "0.3.0"
