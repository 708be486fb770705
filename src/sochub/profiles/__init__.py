"""SOC local profiles: data layers, profile builds, findings and the 4P action plan."""
