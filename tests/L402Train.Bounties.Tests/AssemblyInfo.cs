// The bounty sandbox is Linux-only (bubblewrap, namespaces, rlimits), and so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
