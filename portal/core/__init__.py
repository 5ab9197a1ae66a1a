"""Small pieces shared by every domain: column types and clocks."""
