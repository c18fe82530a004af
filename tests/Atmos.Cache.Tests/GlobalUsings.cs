global using Microsoft.VisualStudio.TestTools.UnitTesting;
global using Atmos.Cache.Tests.Support;
