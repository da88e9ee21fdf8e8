module conformal.local/testgrid-parser

go 1.25

require github.com/GoogleCloudPlatform/testgrid v0.0.175
