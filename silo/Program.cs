using L402Train.Silo.Commands;

// Composition only: commands live in Commands/, the host in Hosting/, routes in gateway/Apis/.
return await new SiloCommandLine().InvokeAsync(args);

/// <summary>Entry point marker for WebApplicationFactory-style tests.</summary>
public partial class Program;
