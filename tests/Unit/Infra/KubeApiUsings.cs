global using BashCni.Harness.KubeApi;
