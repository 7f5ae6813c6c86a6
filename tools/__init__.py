"""Developer tools shared by browser tests, benchmarks and screenshots."""
