"""職員・課・役割 (staff, departments, roles) and the one permission check."""
