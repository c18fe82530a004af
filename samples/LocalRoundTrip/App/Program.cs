System.Console.WriteLine(Greetings.Greeter.Hello("cache"));
