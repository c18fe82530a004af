namespace Tools; public static class Versions { public const string Tool = "1.0"; }
