"""Running the archive: health, schedules, live checks of the site entries, the demo."""
