// Archive experiments run in the bubblewrap sandbox, which is Linux-only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
