"""Text stages: advertising signals and the ad classifier over transcript windows."""
