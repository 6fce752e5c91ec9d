Console.WriteLine("Warranty load generator: seed | run (not implemented yet)");
return 0;
