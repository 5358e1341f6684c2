using L402Train.PeerAgent.Commands;

// Composition only: commands live in Commands/, the training loop in Training/.
return await new PeerAgentCommandLine().InvokeAsync(args);
