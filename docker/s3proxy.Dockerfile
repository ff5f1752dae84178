# An S3-compatible store for the compose example: S3Proxy 3.0.0 (the version the tests run) with
# its filesystem backend, from Maven Central. Local trials only: fixed credentials, plain HTTP.
FROM eclipse-temurin:17-jre
ADD https://repo1.maven.org/maven2/org/gaul/s3proxy/3.0.0/s3proxy-3.0.0-jar-with-dependencies.jar /opt/s3proxy/s3proxy.jar
COPY docker/s3proxy.properties /opt/s3proxy/s3proxy.properties
RUN useradd --system --uid 1001 s3proxy \
 && mkdir -p /data \
 && chown -R 1001:1001 /opt/s3proxy /data
USER 1001
EXPOSE 80
ENTRYPOINT ["java", "-jar", "/opt/s3proxy/s3proxy.jar", "--properties", "/opt/s3proxy/s3proxy.properties"]
