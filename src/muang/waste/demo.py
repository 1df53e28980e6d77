def load_demo_waste() -> int:
    return 0
